import QtQuick
import "../components"

// Capture one material: preview (placeholder until the camera lands), capture, retake, remove.
Item {
    Column {
        id: column
        width: parent.width
        spacing: Theme.spacing
        ScreenTitle { text: session.material.name || "" }
        KText {
            width: parent.width
            color: Theme.muted
            text: qsTr("Document %1 of %2").arg((session.material.index || 0) + 1).arg(session.material.count || 0)
                  + (session.material.note ? " · " + session.material.note : "")
        }
        KText {
            width: parent.width
            visible: session.material.satisfiedByCard === true
            color: Theme.success
            text: qsTr("Your ID card was read: no photo of it is needed.")
        }
        Rectangle {
            objectName: "preview"
            width: parent.width
            height: Theme.portrait ? parent.width * 0.6 : Theme.minTouch * 4
            color: "#202428"
            radius: Theme.radius
            Rectangle {
                id: frame
                anchors.centerIn: parent
                width: parent.height * 0.62
                height: parent.height * 0.88
                color: "transparent"
                border.color: "#4CAF50"
                border.width: 4
                Image {
                    // placeholder preview: the last captured page (the live camera comes later)
                    objectName: "lastPage"
                    anchors { fill: parent; margins: 8 }
                    readonly property var thumbs: session.material.thumbnails || []
                    source: thumbs.length ? thumbs[thumbs.length - 1] : ""
                    visible: thumbs.length > 0
                    cache: false
                    fillMode: Image.PreserveAspectFit
                }
            }
            KText {
                anchors { bottom: parent.bottom; bottomMargin: 12; horizontalCenter: parent.horizontalCenter }
                width: parent.width * 0.9
                horizontalAlignment: Text.AlignHCenter
                color: "#E0E0E0"
                style: Text.Outline
                styleColor: "#202428"
                text: qsTr("Place the document under the camera, flat and inside the frame")
            }
        }
        KText {
            width: parent.width
            text: qsTr("Pages: %1 (at least %2, at most %3)").arg(session.material.pages || 0)
                  .arg(session.material.minPages || 0).arg(session.material.maxPages || 0)
        }
        Flow {
            width: parent.width
            spacing: Theme.spacing
            Repeater {
                model: session.material.thumbnails || []
                Column {
                    required property string modelData
                    required property int index
                    spacing: 6
                    Image {
                        objectName: "thumb_" + index
                        source: modelData
                        cache: false
                        width: Theme.minTouch * 2
                        height: width * 1.33
                        fillMode: Image.PreserveAspectFit
                    }
                    BigButton {
                        objectName: "retake_" + index
                        width: Theme.minTouch * 2
                        pixelSize: Theme.fontSmall
                        text: qsTr("Retake")
                        onClicked: session.retakePage(index)
                    }
                    BigButton {
                        objectName: "remove_" + index
                        width: Theme.minTouch * 2
                        pixelSize: Theme.fontSmall
                        text: qsTr("Remove")
                        onClicked: session.removePage(index)
                    }
                }
            }
        }
        ErrorText { text: session.error }
    }
    Row {
        anchors { bottom: parent.bottom; right: parent.right }
        spacing: Theme.spacing
        BigButton {
            objectName: "capturePage"
            enabled: session.material.canAdd === true
            text: qsTr("Capture page")
            onClicked: session.capturePage()
        }
        BigButton {
            objectName: "finishMaterial"
            primary: true
            text: qsTr("Next")
            onClicked: session.finishMaterial()
        }
    }
}
