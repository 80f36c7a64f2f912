import QtQuick
import "../components"

Item {
    Flickable {
        anchors.fill: parent
        clip: true
        contentHeight: column.height
        Column {
            id: column
            width: parent.width
            spacing: Theme.spacing
            ScreenTitle { text: qsTr("Policies for your company") }
            KText { visible: session.policies.length === 0; width: parent.width; text: session.noPolicyText }
            Repeater {
                model: session.policies
                Rectangle {
                    required property var modelData
                    width: column.width
                    height: box.implicitHeight + 32
                    radius: Theme.radius
                    color: Theme.surface
                    border.color: Theme.border
                    border.width: Theme.borderWidth
                    Column {
                        id: box
                        anchors { fill: parent; margins: 16 }
                        spacing: 8
                        KText { width: parent.width; font.bold: true; text: modelData.name }
                        KText { width: parent.width; text: modelData.summary }
                        KText { width: parent.width; color: Theme.success; text: modelData.benefit }
                        KText { width: parent.width; color: Theme.muted; font.pixelSize: Theme.fontSmall; text: modelData.department }
                        ErrorText { text: modelData.reason }
                        BigButton {
                            objectName: "applyPolicy_" + modelData.id
                            visible: modelData.linked
                            enabled: modelData.canApply
                            primary: true
                            text: qsTr("Apply")
                            onClicked: session.applyPolicy(modelData.id)
                        }
                    }
                }
            }
        }
    }
}
