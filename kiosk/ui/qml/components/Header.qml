import QtQuick

Rectangle {
    id: header
    color: Theme.header
    implicitHeight: column.implicitHeight + 24
    Column {
        id: column
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 12 }
        spacing: 10
        Item {
            width: parent.width
            height: Theme.minTouch
            KText {
                // care mode's larger buttons may leave no room: then the buttons win
                visible: tools.width < parent.width - 160
                anchors { left: parent.left; verticalCenter: parent.verticalCenter;
                          right: tools.left; rightMargin: 12 }
                text: session.terminalName
                color: Theme.onHeader
                font.pixelSize: Theme.fontBody
                font.bold: true
                elide: Text.ElideRight
                wrapMode: Text.NoWrap
            }
            Row {
                id: tools
                anchors.right: parent.right
                spacing: 10
                Repeater {
                    model: session.languages
                    BigButton {
                        required property var modelData
                        objectName: "lang_" + modelData.code
                        text: modelData.label
                        pixelSize: Theme.fontSmall
                        selected: session.language === modelData.code
                        visible: session.screen !== "language"
                        onClicked: session.setLanguage(modelData.code)
                    }
                }
                BigButton {
                    objectName: "careMode"
                    text: session.careMode ? qsTr("Standard view") : qsTr("Large text")
                    pixelSize: Theme.fontSmall
                    selected: session.careMode
                    onClicked: session.setCareMode(!session.careMode)
                }
                BigButton {
                    objectName: "help"
                    text: qsTr("Help")
                    pixelSize: Theme.fontSmall
                    onClicked: session.callStaff()
                }
            }
        }
        StepIndicator {
            width: parent.width
            current: session.stepIndex
        }
        KText {
            objectName: "staffBanner"
            width: parent.width
            visible: session.staffCalled
            text: qsTr("A member of staff has been called and will come to help you.")
            color: Theme.onHeader
            font.pixelSize: Theme.fontSmall
        }
    }
}
